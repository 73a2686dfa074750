// A real OpenID provider for the tests: one confidential client, PKCE required, fixed people.
//
// The provider signs ID tokens with an RS256 key made at start-up. Signing in needs no form:
// the interaction page reads the account from the `login_hint` the service sends, so a test
// chooses who signs in. Written for oidc-provider 9 on Node 20.
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";

import Provider from "oidc-provider";

const port = Number(process.env.OIDC_TEST_PORT);
const issuer = `http://127.0.0.1:${port}`;

// login_hint -> claims, and how the person proved who they are (amr).
const ACCOUNTS = {
  "alice@northgate.test": { email: "alice@northgate.test", email_verified: true, amr: ["pwd"] },
  "ALICE@NORTHGATE.TEST": { email: "ALICE@Northgate.test", email_verified: true, amr: ["pwd"] },
  "alice-unverified": { email: "alice@northgate.test", email_verified: false, amr: ["pwd"] },
  "alice-no-verified-claim": { email: "alice@northgate.test", amr: ["pwd"] },
  "charlie@board.test": { email: "charlie@board.test", email_verified: true, amr: ["pwd", "mfa"] },
  "rita@board.test": { email: "rita@board.test", email_verified: true, amr: ["pwd"] },
  "stranger@elsewhere.test": {
    email: "stranger@elsewhere.test",
    email_verified: true,
    amr: ["pwd"],
  },
};

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_TEST_CLIENT_ID,
      client_secret: process.env.OIDC_TEST_CLIENT_SECRET,
      redirect_uris: process.env.OIDC_TEST_REDIRECT_URIS.split(" "),
      post_logout_redirect_uris: [],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "RS256",
    },
  ],
  jwks: { keys: [signingKey] },
  pkce: { required: () => true },
  // amr goes into every ID token, as Entra ID and most providers do.
  claims: { openid: ["sub", "amr"], email: ["email", "email_verified"] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["test-only-cookie-key"] },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        const { amr, ...claims } = account;
        return { sub: id, ...claims };
      },
    };
  },
  // Consent is the organisation's business, not the service's: grant what the client asks for.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      accountId: ctx.oidc.session.accountId,
      clientId: ctx.oidc.client.clientId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(" ") : "openid email");
    grant.addOIDCClaims(["email", "email_verified"]);
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

const handler = provider.callback();
const server = http.createServer(async (req, res) => {
  if (req.url.startsWith("/interaction/")) {
    try {
      const details = await provider.interactionDetails(req, res);
      const hint = details.params.login_hint;
      const account = ACCOUNTS[hint];
      if (!account) {
        await provider.interactionFinished(req, res, {
          error: "access_denied",
          error_description: "unknown test account",
        });
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: hint, amr: account.amr } },
        { mergeWithLastSubmission: false },
      );
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
    return;
  }
  handler(req, res);
});

server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
