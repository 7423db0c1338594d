// Numbers as people read them in messages: neutral, any stage may use it.

/** Sizes as people read them: "20 MB", "1.5 MB", "340 KB" (1 MB = 1024 × 1024 bytes, as file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function trim(x: number): string {
  return x >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}
