// ECS's `user` parameter (Docker's --user): "user", "user:group", "uid", "uid:gid",
// "uid:group", "user:gid". Names resolve against passwd/group texts, which the process driver
// reads from the host (its containers have no image). As Docker does, a numeric uid without a
// passwd entry runs with gid 0 unless a group is given.

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** The passwd name when the uid has one: its supplementary groups are then initialized. */
  name?: string;
}

interface Entry {
  name: string;
  id: number;
  gid?: number;
}

function parseDb(text: string, idField: number, gidField?: number): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const f = line.split(":");
    const name = f[0];
    const id = Number(f[idField]);
    if (!name || !Number.isInteger(id)) continue;
    const gid = gidField === undefined ? undefined : Number(f[gidField]);
    out.push({ name, id, ...(gid !== undefined && Number.isInteger(gid) ? { gid } : {}) });
  }
  return out;
}

const numeric = (s: string) => /^\d+$/.test(s);

export function resolveUser(user: string, passwdText: string, groupText: string): ResolvedUser {
  const [u = "", g, extra] = user.split(":");
  if (u === "" || extra !== undefined || g === "") {
    throw new RangeError(`user ${JSON.stringify(user)} is not valid; expected user, uid, user:group or uid:gid`);
  }
  const passwd = parseDb(passwdText, 2, 3);
  const groups = parseDb(groupText, 2);
  const entry = numeric(u) ? passwd.find((e) => e.id === Number(u)) : passwd.find((e) => e.name === u);
  if (!entry && !numeric(u)) {
    throw new RangeError(`user ${JSON.stringify(u)} has no passwd entry on this host; use a numeric uid or an existing user`);
  }
  const uid = entry?.id ?? Number(u);
  let gid = entry?.gid ?? 0;
  if (g !== undefined) {
    if (numeric(g)) gid = Number(g);
    else {
      const group = groups.find((e) => e.name === g);
      if (!group) throw new RangeError(`group ${JSON.stringify(g)} has no group entry on this host; use a numeric gid or an existing group`);
      gid = group.id;
    }
  }
  return { uid, gid, ...(entry ? { name: entry.name } : {}) };
}
