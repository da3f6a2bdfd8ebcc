// A real OpenID Provider (the certified `oidc-provider` package) for the sign-in tests.
//
// Started by tests/oidc/provider.py with one argument: a JSON file naming the issuer, the
// port, the clients, the signing keys (the test keeps the private key, so it can sign a
// token with one claim wrong and show that the app checks that claim) and the accounts
// file. The accounts file is read again at every sign-in, so a test changes what the
// provider says about someone (a new email, a group, MFA) without restarting it.
//
// The sign-in page is ours (devInteractions are for humans): a username field, no password,
// and each account's `amr`/`acr` handed to the provider as the way that person signed in.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = () => JSON.parse(readFileSync(config.accounts_file, 'utf8'));

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// Every page the provider draws is ours: its own pages load a web font from the internet,
// which the tests' browser must never reach for.
const html = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${escape(title)}</title></head><body>${body}</body></html>`;

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ['test-provider-cookie-key-not-secret'] },
  // Standard scopes; `groups` comes with the profile, as Entra ID sends it in every ID token
  // once the app registration asks for it (no scope of its own there).
  claims: {
    // How the person signed in (from our sign-in page below): in every ID token, as Entra ID does.
    openid: ['sub', 'amr', 'acr'],
    email: ['email', 'email_verified'],
    profile: ['name', 'employee_number', 'groups'],
  },
  // Claims in the ID token itself, as Entra ID does: the app reads the ID token only.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = html('Sign out', `<h1>Sign out of the test organisation?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = html('Signed out', '<h1>You are signed out of the test organisation</h1>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = html('Error', `<h1>Provider error</h1><p>${escape(out.error)}: ${escape(out.error_description)}</p>`);
  },
  // PKCE when the client sends a challenge (the app always does); optional so that a test may
  // switch the app's PKCE off and reach the nonce check behind it.
  pkce: { required: () => false },
  ttl: { IdToken: 3600, AccessToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
  async findAccount(ctx, sub) {
    const account = accounts()[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, ...account.claims };
      },
    };
  },
  // Consent is the organisation's, given once for its own app: never asked of the user.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'employee_number', 'groups']);
    await grant.save();
    return grant;
  },
});

function page(uid, error = '') {
  return html('Test provider: sign in', `<h1>Test organisation: sign in</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label for="login">Work account</label> <input id="login" name="login" autofocus>
<button type="submit">Sign in to the organisation</button></form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name !== 'login') ctx.throw(501, `prompt ${details.prompt.name} not handled`);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  const login = (await readForm(ctx.req)).get('login') || '';
  const account = accounts()[login];
  if (!account) {
    ctx.type = 'html';
    ctx.body = page(details.uid, `No account ${login}`);
    return undefined;
  }
  const result = { login: { accountId: login, amr: account.amr, acr: account.acr } };
  return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
});

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${config.issuer}`);
});
