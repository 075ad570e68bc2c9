import AdmZip from 'adm-zip';

/** Zips `files` (path → content) and returns the archive as base64, the form `/init` takes with `binary: true`. */
export function zipBase64(files: Record<string, string | Uint8Array>): string {
  const zip = new AdmZip();
  for (const [name, content] of Object.entries(files)) {
    zip.addFile(name, Buffer.from(typeof content === 'string' ? content : content));
  }
  return zip.toBuffer().toString('base64');
}
