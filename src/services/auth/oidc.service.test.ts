import { describe, expect, it } from 'vitest';
import { type OidcFlow, oidcSettingsFromEnv, openOidcFlow, sameSitePath, sealOidcFlow } from './oidc.service.js';

const ENV = {
  LEANSTOCK_OIDC_ISSUER: 'https://login.example.com/realms/plant/',
  LEANSTOCK_OIDC_CLIENT_ID: 'leanstock',
  LEANSTOCK_OIDC_CLIENT_SECRET: 'secret',
  LEANSTOCK_PUBLIC_URL: 'https://stock.example.com/',
};

describe('oidcSettingsFromEnv', () => {
  it('is off while LEANSTOCK_OIDC_ISSUER is unset', () => {
    expect(oidcSettingsFromEnv({})).toBeUndefined();
    expect(oidcSettingsFromEnv({ LEANSTOCK_PUBLIC_URL: 'https://stock.example.com' })).toBeUndefined();
  });

  it('builds the callback address from LEANSTOCK_PUBLIC_URL and names the button after LEANSTOCK_OIDC_NAME', () => {
    expect(oidcSettingsFromEnv(ENV)).toEqual({
      issuer: 'https://login.example.com/realms/plant',
      clientId: 'leanstock',
      clientSecret: 'secret',
      redirectUri: 'https://stock.example.com/api/v1/auth/oidc/callback',
      name: 'single sign-on',
    });
    expect(oidcSettingsFromEnv({ ...ENV, LEANSTOCK_OIDC_NAME: 'Plant login' })?.name).toBe('Plant login');
  });

  it('refuses a partial configuration, naming every variable it lacks', () => {
    expect(() => oidcSettingsFromEnv({ LEANSTOCK_OIDC_ISSUER: ENV.LEANSTOCK_OIDC_ISSUER })).toThrow(
      'Single sign-on needs LEANSTOCK_OIDC_CLIENT_ID, LEANSTOCK_OIDC_CLIENT_SECRET, LEANSTOCK_PUBLIC_URL as well as LEANSTOCK_OIDC_ISSUER',
    );
    expect(() => oidcSettingsFromEnv({ ...ENV, LEANSTOCK_OIDC_CLIENT_SECRET: ' ' })).toThrow(
      /needs LEANSTOCK_OIDC_CLIENT_SECRET as well/,
    );
  });

  it('wants an https issuer, except for a provider on this computer', () => {
    expect(() => oidcSettingsFromEnv({ ...ENV, LEANSTOCK_OIDC_ISSUER: 'http://login.example.com' })).toThrow(
      /LEANSTOCK_OIDC_ISSUER: "http:\/\/login.example.com" must be an https:\/\/ address/,
    );
    expect(oidcSettingsFromEnv({ ...ENV, LEANSTOCK_OIDC_ISSUER: 'http://127.0.0.1:8080' })?.issuer).toBe(
      'http://127.0.0.1:8080',
    );
    expect(() => oidcSettingsFromEnv({ ...ENV, LEANSTOCK_OIDC_ISSUER: 'login.example.com' })).toThrow(
      /LEANSTOCK_OIDC_ISSUER: "login.example.com" is not a URL/,
    );
    expect(() => oidcSettingsFromEnv({ ...ENV, LEANSTOCK_PUBLIC_URL: 'https://stock.example.com/?x=1' })).toThrow(
      /LEANSTOCK_PUBLIC_URL/,
    );
  });
});

describe('sameSitePath', () => {
  it('keeps a path on this site and replaces anything else with /', () => {
    expect(sameSitePath('/items?search=bolt#top')).toBe('/items?search=bolt#top');
    expect(sameSitePath(undefined)).toBe('/');
    for (const elsewhere of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      'items',
      '/a\r\nSet-Cookie: x',
    ])
      expect(sameSitePath(elsewhere)).toBe('/');
  });
});

describe('the sealed sign-on flow', () => {
  const key = Buffer.alloc(32, 7);
  const flow: OidcFlow = { state: 's', nonce: 'n', codeVerifier: 'v', next: '/items', expiresAt: 1_000 };

  it('opens with its key until it expires', () => {
    const sealed = sealOidcFlow(flow, key);
    expect(openOidcFlow(sealed, key, 999)).toEqual(flow);
    expect(openOidcFlow(sealed, key, 1_000)).toBeUndefined();
    expect(openOidcFlow(sealed, Buffer.alloc(32, 8), 999)).toBeUndefined();
  });

  it('does not open once changed, even when the change is signed with the wrong key', () => {
    const [, signature] = sealOidcFlow(flow, key).split('.');
    const changed = Buffer.from(JSON.stringify({ ...flow, next: '//evil.example' })).toString('base64url');
    expect(openOidcFlow(`${changed}.${signature}`, key, 0)).toBeUndefined();
    expect(
      openOidcFlow(sealOidcFlow({ ...flow, next: '//evil.example' }, Buffer.alloc(32, 9)), key, 0),
    ).toBeUndefined();
    for (const junk of ['', '.', 'a.b.c', 'not-base64.!!!']) expect(openOidcFlow(junk, key, 0)).toBeUndefined();
  });
});
