// A short, invented report for the "Try an example" button; no patient data.
// Kept in one place so the page and manual checks use the same text.
export const EXAMPLE_REPORT = `FINAL DIAGNOSIS
Left breast, mastectomy:
- Invasive ductal carcinoma, Nottingham grade 3 (tubules 3, nuclei 3, mitoses 3).
- Tumour size: 32 mm in greatest dimension.
- Lymph nodes: 2 of 14 axillary lymph nodes positive for metastatic carcinoma.
- Pathologic stage: pT2 pN1a.

BIOMARKERS
ER: positive (90%), strong intensity.
PR: negative (<1%).
HER2: 1+ by IHC (negative).
Ki-67: 35%.`;
