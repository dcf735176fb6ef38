/**
 * Reads a CSV file a user attached to a message: a `text/csv` (or `.csv`) attachment with a
 * `contentUrl` (Web Chat, Emulator, Direct Line; `data:` URLs included), or a Microsoft Teams file
 * (`application/vnd.microsoft.teams.file.download.info` with a pre-authorized `downloadUrl`).
 * Size is capped at {@link MAX_CSV_BYTES}; a download has a timeout.
 */
import { MAX_CSV_BYTES } from '../domain/customers.js';

/** The parts of a Bot Framework attachment this reader looks at. */
export interface AttachmentLike {
  contentType?: string;
  contentUrl?: string;
  name?: string;
  content?: unknown;
}

/** How long a download may take, in ms. */
export const CSV_DOWNLOAD_TIMEOUT_MS = 10_000;

const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';
/** Media types that are CSV whatever the file is called (others count only with a `.csv` name). */
const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/comma-separated-values']);

/** Where an attachment's CSV can be read from, or undefined when it is not a CSV file. */
export function csvSource(attachment: AttachmentLike): string | undefined {
  const name = (attachment.name ?? '').toLowerCase();
  if (attachment.contentType === TEAMS_FILE) {
    const content = attachment.content as { downloadUrl?: unknown; fileType?: unknown } | undefined;
    const isCsv = name.endsWith('.csv') || String(content?.fileType ?? '').toLowerCase() === 'csv';
    return isCsv && typeof content?.downloadUrl === 'string' ? content.downloadUrl : undefined;
  }
  const type = (attachment.contentType ?? '').toLowerCase().split(';')[0]!.trim();
  const isCsv = name.endsWith('.csv') || CSV_TYPES.has(type);
  return isCsv && typeof attachment.contentUrl === 'string' ? attachment.contentUrl : undefined;
}

/** Why a CSV attachment could not be read. */
export type CsvReadProblem = 'tooLarge' | 'unreachable' | 'unsupportedUrl';

/**
 * Hosts files are downloaded from: where Teams (SharePoint/OneDrive) and the Bot Framework
 * channels (Direct Line, Web Chat uploads) keep attachments. Anything else is refused, so a crafted
 * activity can't make the bot fetch internal addresses (SSRF).
 */
export const CSV_DOWNLOAD_HOSTS = ['.sharepoint.com', '.sharepoint-df.com', '.botframework.com', '.botframework.azure.us', '.trafficmanager.net'] as const;

/** True when the bot may download from `url`: `data:`, or `https:` on {@link CSV_DOWNLOAD_HOSTS}, or (tests, local development) `http://127.0.0.1`. */
export function mayDownload(url: URL, allowLoopback = false): boolean {
  if (url.protocol === 'data:') return true;
  if (allowLoopback && url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost')) return true;
  return url.protocol === 'https:' && CSV_DOWNLOAD_HOSTS.some((h) => url.hostname.toLowerCase().endsWith(h));
}

/**
 * Downloads the CSV text behind `url`, UTF-8.
 * @param options.allowLoopback also follow `http://127.0.0.1` (tests and local development only)
 * @returns the text, or a problem: larger than {@link MAX_CSV_BYTES}, not reachable (network
 *   error, timeout, non-2xx status), or a location this reader doesn't follow ({@link mayDownload}).
 */
export async function readCsv(
  url: string,
  options: { allowLoopback?: boolean } = {},
): Promise<{ ok: true; text: string } | { ok: false; problem: CsvReadProblem }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, problem: 'unsupportedUrl' };
  }
  if (!mayDownload(parsed, options.allowLoopback)) return { ok: false, problem: 'unsupportedUrl' };
  try {
    // no redirects: a redirect could lead off the allowed hosts
    const res = await fetch(url, { signal: AbortSignal.timeout(CSV_DOWNLOAD_TIMEOUT_MS), redirect: 'error' });
    if (!res.ok || !res.body) return { ok: false, problem: 'unreachable' };
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_CSV_BYTES) return { ok: false, problem: 'tooLarge' };
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_CSV_BYTES) return { ok: false, problem: 'tooLarge' };
      chunks.push(chunk);
    }
    return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
  } catch {
    return { ok: false, problem: 'unreachable' };
  }
}
