import type { Role } from '@sre/auth';

export interface DemoUser {
  /** The stable `sub` claim. */
  readonly subject: string;
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly email: string;
  readonly roles: readonly Role[];
}

// One account per role. The passwords equal the usernames on purpose: this provider exists
// only in development, listens on loopback, and never runs with NODE_ENV=production.
export const demoUsers: readonly DemoUser[] = Object.freeze([
  demoUser('viewer', 'Demo Viewer'),
  demoUser('operator', 'Demo Operator'),
  demoUser('admin', 'Demo Admin'),
]);

function demoUser(role: Role, name: string): DemoUser {
  return Object.freeze({
    subject: `demo-${role}`,
    username: role,
    password: role,
    name,
    email: `${role}@example.test`,
    roles: Object.freeze([role]),
  });
}

/** The demo user with these credentials, or undefined when they match none. */
export function authenticateDemoUser(username: string, password: string): DemoUser | undefined {
  const user = demoUsers.find((candidate) => candidate.username === username);
  return user && user.password === password ? user : undefined;
}

/** The demo user whose `sub` this is. */
export function findDemoUserBySubject(subject: string): DemoUser | undefined {
  return demoUsers.find((user) => user.subject === subject);
}
