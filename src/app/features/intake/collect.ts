// The files of a drop: plain files, and the files inside dropped folders (walked through the
// File System entries API, which Chromium, Firefox and Safari all offer as webkitGetAsEntry).

/** Reads every entry of a folder reader: readEntries returns at most ~100 at a time. */
function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, into: File[]): Promise<void> {
  if (entry.isFile) {
    const file = await fileOf(entry as FileSystemFileEntry);
    // Keep the folder path as the name shown on the row, as a folder picked with the button does.
    const path = entry.fullPath.replace(/^\//, '');
    into.push(path && path !== file.name ? Object.defineProperty(file, 'webkitRelativePath', { value: path }) : file);
    return;
  }
  if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children.sort((a, b) => a.name.localeCompare(b.name))) await walk(child, into);
  }
}

/** Hidden files (".DS_Store", "Thumbs.db") that folders carry but nobody means to add. */
function isClutter(file: File): boolean {
  return file.name.startsWith('.') || /^(thumbs\.db|desktop\.ini)$/i.test(file.name);
}

export async function filesOfDrop(data: DataTransfer): Promise<File[]> {
  // Entries must be taken synchronously, before the first await: the DataTransfer empties after the event.
  const entries = Array.from(data.items)
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  const files: File[] = [];
  for (const { entry, file } of entries) {
    if (entry) await walk(entry, files);
    else if (file) files.push(file);
  }
  return files.filter((f) => !isClutter(f));
}

export function filesOfInput(list: FileList | null): File[] {
  return Array.from(list ?? []).filter((f) => !isClutter(f));
}
