// The OpenID provider of the single sign-on tests: panva's certified oidc-provider,
// listening on a free loopback port. Run as `node provider.mjs CONFIG.json`; it prints
// one line `ready <issuer>` once it answers.
//
// CONFIG.json holds `clients` (oidc-provider client metadata, plus an optional `tamper`
// mode) and `accounts` (a path to a JSON file of account id -> claims, read again on
// every sign-in, so a test can change someone's groups between two sign-ins).
//
// The sign-in page (/interaction/:uid) is a plain form: the account id and whether the
// sign-in used a second factor (then `amr` is ["pwd", "otp"], else ["pwd"]). Consent is
// given at once.
//
// A client with `tamper` gets ID tokens altered after the provider made them, as an
// attacker between the two parties would: "signature" (one byte of the signature
// changed), "foreign-key" (signed again with a key that is not the provider's, under
// the provider's key id), or "audience", "nonce", "issuer", "expired" (the claim
// changed and the token signed again with the provider's own key).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { generateKeyPair, exportJWK, SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from "jose";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const tampering = new Map(config.clients.filter((c) => c.tamper).map((c) => [c.client_id, c.tamper]));
const clients = config.clients.map(({ tamper, ...client }) => client);

const accounts = () => JSON.parse(readFileSync(config.accounts, "utf8"));

const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: "op-key-1", alg: "RS256", use: "sig" };
const { privateKey: foreignKey } = await generateKeyPair("RS256", { extractable: true });

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

async function tamper(idToken, mode) {
  const [head, body, signature] = idToken.split(".");
  if (mode === "signature") {
    const flipped = signature[0] === "A" ? "B" : "A";
    return `${head}.${body}.${flipped}${signature.slice(1)}`;
  }
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  let key = await importJWK(signingJwk, "RS256");
  if (mode === "foreign-key") key = foreignKey;
  else if (mode === "audience") claims.aud = "someone-else";
  else if (mode === "nonce") claims.nonce = "not-the-nonce-that-was-sent";
  else if (mode === "issuer") claims.iss = "http://127.0.0.1:1/elsewhere";
  else if (mode === "expired") {
    claims.iat = Math.floor(Date.now() / 1000) - 7200;
    claims.exp = claims.iat + 600;
  } else throw new Error(`unknown tamper mode ${mode}`);
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

const server = createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [signingJwk] },
    cookies: { keys: ["casedesk-test-provider-cookie-key"] },
    claims: {
      openid: ["sub", "amr"],
      email: ["email", "email_verified"],
      profile: ["name"],
      groups: ["groups"],
    },
    scopes: ["openid", "email", "profile", "groups", "offline_access"],
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const claims = accounts()[id];
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
  });

  provider.use(async (ctx, next) => {
    const interaction = ctx.path.match(/^\/interaction\/([^/]+)$/);
    if (!interaction) {
      await next();
      const mode = ctx.path === "/token" && tampering.get(ctx.oidc?.client?.clientId);
      if (mode && ctx.body && ctx.body.id_token) {
        ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token, mode) };
      }
      return;
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    let accountId = session?.accountId;
    let login;
    if (prompt.name === "login") {
      if (ctx.method !== "POST") {
        ctx.type = "html";
        ctx.body = `<!doctype html><html><head><title>Test provider sign-in</title></head><body>
<form method="post" action="/interaction/${escape(details.uid)}">
<label>Account <input name="login" autofocus></label>
<label><input type="checkbox" name="mfa" value="1"> Used a second factor</label>
<button type="submit">Sign in</button></form></body></html>`;
        return;
      }
      const form = await formBody(ctx.req);
      accountId = form.get("login");
      if (!accounts()[accountId]) {
        ctx.status = 400;
        ctx.body = "no such account";
        return;
      }
      login = { accountId, amr: form.get("mfa") ? ["pwd", "otp"] : ["pwd"] };
    }
    const grant = new provider.Grant({ accountId, clientId: params.client_id });
    grant.addOIDCScope(String(params.scope));
    const grantId = await grant.save();
    const result = { consent: { grantId }, ...(login ? { login } : {}) };
    const target = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    });
    ctx.redirect(target);
  });

  server.on("request", provider.callback());
  process.stdout.write(`ready ${issuer}\n`);
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
