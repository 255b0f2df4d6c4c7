/**
 * The public base URL printed in kanban QR codes, from `LEANSTOCK_PUBLIC_URL` (e.g. `https://stock.example.com`
 * or `http://192.168.1.20:3000`); undefined when unset. A value that is not an http(s) URL throws, so a
 * misconfigured server refuses to start rather than printing labels no phone can open.
 */
export function publicUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env['LEANSTOCK_PUBLIC_URL']?.trim();
  if (!value) return undefined;
  return checkPublicUrl(value, 'LEANSTOCK_PUBLIC_URL');
}

/** `value` without a trailing slash when it is an http(s) URL without query or fragment; throws naming `name` otherwise. */
export function checkPublicUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name}: "${value}" is not a URL; expected e.g. https://stock.example.com`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new Error(`${name}: "${value}" must be an http:// or https:// address without ? or #`);
  }
  return value.replace(/\/+$/, '');
}
