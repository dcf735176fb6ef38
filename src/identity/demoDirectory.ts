/**
 * The people of the demonstration tenant (`PARTNER_CENTER_MODE=fake`) and the tokens the local
 * fakes of the Microsoft identity platform issue for them.
 *
 * Every token here is a real JWT (HS256, signed with a key made for this process only by
 * {@link FakeTokenIssuer}), with the claims Microsoft Entra ID access tokens carry and that the
 * assistant reads (`tid`, `oid`, `name`, `preferred_username`, `aud`, `scp`, `iat`, `nbf`, `exp`).
 * Only the fakes accept them: the key never leaves the process and is not Microsoft's.
 * Source of the claim names: Microsoft identity platform, "Access token claims reference".
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID, type MembershipObject } from './graphRoles.js';

/** One person of a directory the fakes serve: who they are and their Entra memberships. */
export interface DirectoryUser {
  /** Short stable key used by the fakes' sign-in page and tests (e.g. `dana`). */
  key: string;
  /** Entra object id (`oid`). */
  oid: string;
  /** Display name. */
  name: string;
  /** Sign-in name (`preferred_username`). */
  upn: string;
  /** What `GET /me/transitiveMemberOf` returns for them. */
  memberships: MembershipObject[];
}

/** A directory: the tenant id and its people. */
export interface Directory {
  tenantId: string;
  users: DirectoryUser[];
}

/** The demo tenant's id (a fixed GUID so a demo restarts into the same records). */
export const DEMO_TENANT_ID = '7c0c36f5-af83-4c24-8844-9962e0163719';

const group = (name: string): MembershipObject => ({ '@odata.type': '#microsoft.graph.group', id: randomUUID(), displayName: name });
const globalAdmin: MembershipObject = {
  '@odata.type': '#microsoft.graph.directoryRole',
  id: randomUUID(),
  displayName: 'Global Administrator',
  roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID,
};

/**
 * The demo people: a global admin who is also an admin agent, a sales agent, a helpdesk agent and
 * someone in none of Partner Center's groups, so each role path can be tried. Names are the
 * documentation's usual examples, marked as demo data wherever they are shown.
 */
export function demoDirectory(): Directory {
  const domain = 'contoso-demo.onmicrosoft.com';
  return {
    tenantId: DEMO_TENANT_ID,
    users: [
      { key: 'dana', oid: 'b8c1e2a4-5f1e-4c07-9d1b-0d6c1a7e2f01', name: 'Dana Reyes', upn: `dana@${domain}`, memberships: [globalAdmin, group('AdminAgents')] },
      { key: 'sam', oid: 'b8c1e2a4-5f1e-4c07-9d1b-0d6c1a7e2f02', name: 'Sam Patel', upn: `sam@${domain}`, memberships: [group('SalesAgents')] },
      { key: 'hui', oid: 'b8c1e2a4-5f1e-4c07-9d1b-0d6c1a7e2f03', name: 'Hui Chen', upn: `hui@${domain}`, memberships: [group('HelpdeskAgents')] },
      { key: 'ola', oid: 'b8c1e2a4-5f1e-4c07-9d1b-0d6c1a7e2f04', name: 'Ola Berg', upn: `ola@${domain}`, memberships: [group('Marketing')] },
    ],
  };
}

/** The claims a fake token carries (see the module notes). */
export interface FakeTokenClaims extends JWTPayload {
  tid: string;
  oid: string;
  name: string;
  preferred_username: string;
  scp: string;
}

/**
 * Signs and checks the fakes' tokens with one HS256 key made for this process. Shared by the fake
 * Bot Framework token service (user tokens for the bot's own API), the fake Entra token endpoint
 * (on-behalf-of tokens for Graph and Partner Center) and the fakes that accept those.
 */
export class FakeTokenIssuer {
  private readonly key = new Uint8Array(randomBytes(32));
  static readonly ISSUER_PREFIX = 'https://sts.windows.net/';

  /**
   * A token for `user` of `tenantId` with audience `audience` and delegated scopes `scopes`
   * (space-separated), valid `lifetimeSeconds` (default 3600 s).
   */
  async issue(tenantId: string, user: DirectoryUser, audience: string, scopes: string, lifetimeSeconds = 3600): Promise<string> {
    const claims: FakeTokenClaims = { tid: tenantId, oid: user.oid, name: user.name, preferred_username: user.upn, scp: scopes };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(`${FakeTokenIssuer.ISSUER_PREFIX}${tenantId}/`)
      .setAudience(audience)
      .setSubject(user.oid)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${lifetimeSeconds}s`)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /**
   * The claims of `token` when this issuer signed it for `audience` and it is in its lifetime
   * (60 s clock skew); `undefined` for anything else (another key, audience, expired, not a JWT).
   */
  async verify(token: string, audience: string): Promise<FakeTokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { audience, clockTolerance: 60, algorithms: ['HS256'] });
      return payload as FakeTokenClaims;
    } catch {
      return undefined;
    }
  }
}
