// The demo's two users. There is no sign-in: the page's user switch sends X-Demo-User, and a
// request without it (a test, an example page) is the first user. Each user has a folder of their
// own, and every route keeps them to it, as a real app's session would.
import { SignRefusal } from '../../src/server/index.js';

export const DEMO_USERS = ['ada', 'grace'] as const;
export type DemoUser = (typeof DEMO_USERS)[number];

/** The header the user switch sets on every uploader (the element's `headers` property). */
export const USER_HEADER = 'X-Demo-User';

/** The demo's `authorize`: who is calling, or 403 `UnknownUser`. */
export async function demoUser(request: Request): Promise<DemoUser> {
  const name = request.headers.get(USER_HEADER);
  if (name === null) return DEMO_USERS[0];
  const user = DEMO_USERS.find((known) => known === name);
  if (!user) throw new SignRefusal(403, 'UnknownUser', `The demo has the users ${DEMO_USERS.join(' and ')}, not "${name}".`);
  return user;
}

/** Everything a user uploads lies here: the plain, PUT and multipart set-ups at its top, the seed set-ups in folders below. */
export function userFolder(user: DemoUser): string {
  return `uploads/users/${user}/`;
}
