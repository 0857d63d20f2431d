"""model-export: the paper's method (Shao et al. 2026) for this app. A Llama-family decoder used as an
encoder, adapted with LoRA, one attention-pooling classification head per schema field; trained here,
merged, exported to ONNX (fp32 and 4-bit), verified against PyTorch and packaged for the browser app.

Stages, one entry point each: python -m model_export.train | export | verify | evaluate
"""
