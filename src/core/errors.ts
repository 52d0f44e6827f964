// One typed error family at the API edge, carrying ZooKeeper's code and name so that the wire
// protocol maps one to one. Inside the core a bug is an AssertionError instead (util/assert.ts).

export const Code = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export type CodeName = keyof typeof Code;
export type ErrorCode = (typeof Code)[CodeName];

const namesByCode = new Map<number, CodeName>(
  (Object.keys(Code) as CodeName[]).map((name) => [Code[name], name]),
);

export function codeName(code: number): CodeName | undefined {
  return namesByCode.get(code);
}

export class KeeperError extends Error {
  override readonly name = 'KeeperError';
  readonly codeName: CodeName;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly path?: string,
  ) {
    const name = codeName(code);
    super(`${name ?? code}: ${detail}${path === undefined ? '' : ` (${path})`}`);
    this.codeName = name ?? 'SYSTEMERROR';
  }
}

export const isKeeperError = (e: unknown, code?: ErrorCode): e is KeeperError =>
  e instanceof KeeperError && (code === undefined || e.code === code);
