// A large organisation made of copies of a small one: each account is a clone of a "template" account recorded
// on the emulator, and AWS answers about it are the template's answers with the template's id, name and access
// key replaced by the clone's. Answers that list accounts (organisation listings, StackSet instances) list every
// clone of each template they name, page by page when the request asks for pages. Pure text work on recorded
// answers, JSON or XML alike, with no knowledge of which operations exist: ./awsReplay serves the results.

export interface TemplateAccount {
  id: string;
  /** Unique in the recorded answers (it is replaced as plain text): also the prefix of its e-mail address. */
  name: string;
  /** The access key id the template's AssumeRole answer handed out, if it was assumed. */
  accessKeyId?: string;
  /** Clones per round: a template of weight 10 is cloned ten times as often as one of weight 1 (default 1). */
  weight?: number;
}

export interface CloneAccount {
  id: string;
  name: string;
  /** What its AssumeRole answer hands out, so that the requests it signs say which clone they are about. */
  accessKeyId: string;
  template: TemplateAccount;
}

export interface ScaledOrganization {
  clones: CloneAccount[];
  cloneById: ReadonlyMap<string, CloneAccount>;
  cloneByAccessKey: ReadonlyMap<string, CloneAccount>;
  clonesOf: ReadonlyMap<string, CloneAccount[]>;
  templates: readonly TemplateAccount[];
}

/** Paging the request asked for: the replay's own page token (an offset) and its MaxResults. */
export interface Paging {
  offset?: number;
  maxResults?: number;
}

export const PAGE_TOKEN_PREFIX = "replay-page:";
const CLONE_ID_BASE = 700_000_000_000;
const ACCOUNT_ID = /(?<!\d)\d{12}(?!\d)/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `count` clones of the templates, dealt in proportion to their weights, with ids no template has. */
export function scaleOrganization(templates: readonly TemplateAccount[], count: number): ScaledOrganization {
  // Interleaved (every template once, then those of weight 2 or more, ...): a small count has every kind too.
  const rounds = Math.max(0, ...templates.map(({ weight = 1 }) => weight));
  const deck = Array.from({ length: rounds }, (_, round) =>
    templates.filter(({ weight = 1 }) => weight > round),
  ).flat();
  if (deck.length === 0) throw new Error("scaleOrganization: no template accounts");
  const taken = new Set(templates.map(({ id }) => id));
  const clones = Array.from({ length: count }, (_, index): CloneAccount => {
    const id = String(CLONE_ID_BASE + index + 1);
    if (taken.has(id)) throw new Error(`scaleOrganization: clone id ${id} is a template's id`);
    return {
      id,
      name: `account-${String(index + 1).padStart(4, "0")}`,
      accessKeyId: `ASIAREPLAY${id}`,
      template: deck[index % deck.length],
    };
  });
  const clonesOf = new Map<string, CloneAccount[]>(templates.map(({ id }) => [id, []]));
  for (const clone of clones) clonesOf.get(clone.template.id)!.push(clone);
  return {
    clones,
    cloneById: new Map(clones.map((clone) => [clone.id, clone])),
    cloneByAccessKey: new Map(clones.map((clone) => [clone.accessKeyId, clone])),
    clonesOf,
    templates,
  };
}

/** The clones whose ids appear in `text`. */
export function clonesMentioned(text: string, organization: ScaledOrganization): Set<CloneAccount> {
  const found = new Set<CloneAccount>();
  for (const [id] of text.matchAll(ACCOUNT_ID)) {
    const clone = organization.cloneById.get(id);
    if (clone) found.add(clone);
  }
  return found;
}

/** `text` with each clone id replaced by its template's id: the request as it was recorded. */
export function asTemplateRequest(text: string, organization: ScaledOrganization): string {
  return text.replace(ACCOUNT_ID, (id) => organization.cloneById.get(id)?.template.id ?? id);
}

function templateStrings(template: TemplateAccount): string[] {
  return [template.id, template.name, ...(template.accessKeyId ? [template.accessKeyId] : [])];
}

const substitutionPatterns = new WeakMap<TemplateAccount, RegExp>();

/** A template's answer as the clone's: its id, name and access key replaced by the clone's. */
export function substitute(text: string, clone: CloneAccount): string {
  const { template } = clone;
  let pattern = substitutionPatterns.get(template);
  if (!pattern) {
    pattern = new RegExp(templateStrings(template).map(escapeRegExp).join("|"), "g");
    substitutionPatterns.set(template, pattern);
  }
  return text.replace(pattern, (found) =>
    found === template.id ? clone.id : found === template.name ? clone.name : clone.accessKeyId,
  );
}

const mentionPatterns = new WeakMap<
  ScaledOrganization,
  { pattern: RegExp; owner: Map<string, TemplateAccount> }
>();

function templatesMentioned(text: string, organization: ScaledOrganization): Set<TemplateAccount> {
  let mentions = mentionPatterns.get(organization);
  if (!mentions) {
    const owner = new Map(
      organization.templates.flatMap((template) =>
        templateStrings(template).map((s) => [s, template] as const),
      ),
    );
    mentions = { pattern: new RegExp([...owner.keys()].map(escapeRegExp).join("|"), "g"), owner };
    mentionPatterns.set(organization, mentions);
  }
  const found = new Set<TemplateAccount>();
  for (const [text_] of text.matchAll(mentions.pattern)) found.add(mentions.owner.get(text_)!);
  return found;
}

/** A list element about one template becomes one element per clone of it; others stay as they are. */
function expandElement(text: string, organization: ScaledOrganization, where: string): string[] | undefined {
  const mentioned = [...templatesMentioned(text, organization)];
  if (mentioned.length === 0) return undefined;
  if (mentioned.length > 1) {
    throw new Error(`${where}: a list element names ${mentioned.length} template accounts: ${text}`);
  }
  return organization.clonesOf.get(mentioned[0].id)!.map((clone) => substitute(text, clone));
}

const leak = (where: string, text: string) =>
  new Error(`${where}: names a template account outside a list, so it cannot be scaled: ${text}`);

const unpaged = (where: string) =>
  new Error(`${where}: asks for a later page of a list that names no template account`);

/** One page of `items` and the token of the next page, if any. */
function page<T>(items: T[], paging: Paging): { items: T[]; next?: string } {
  if (paging.maxResults === undefined) return { items };
  const offset = paging.offset ?? 0;
  const end = offset + paging.maxResults;
  return {
    items: items.slice(offset, end),
    next: end < items.length ? `${PAGE_TOKEN_PREFIX}${end}` : undefined,
  };
}

function expandJson(body: string, organization: ScaledOrganization, paging: Paging, where: string): string {
  const grown: unknown[][] = [];
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      let changed = false;
      const items = value.flatMap((item) => {
        const expanded = expandElement(JSON.stringify(item), organization, where);
        if (!expanded) return [item];
        changed = true;
        return expanded.map((text) => JSON.parse(text) as unknown);
      });
      if (changed) grown.push(items);
      return items;
    }
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    }
    if (typeof value === "string" && templatesMentioned(value, organization).size > 0)
      throw leak(where, value);
    return value;
  };
  const answer = walk(JSON.parse(body)) as Record<string, unknown>;
  if (paging.offset !== undefined && grown.length === 0) throw unpaged(where);
  if (paging.maxResults !== undefined && grown.length > 0) {
    if (grown.length > 1) throw new Error(`${where}: more than one list grows; cannot page them`);
    if (answer.NextToken !== undefined && answer.NextToken !== null) {
      throw new Error(`${where}: the recorded answer is itself paged; seed fewer accounts per listing`);
    }
    const { items, next } = page(grown[0], paging);
    grown[0].splice(0, grown[0].length, ...items);
    if (next) answer.NextToken = next;
  }
  return JSON.stringify(answer);
}

/** The outermost `<member>` / `<item>` elements of a query-protocol answer, grouped into the lists they form. */
function xmlLists(body: string): { start: number; end: number }[][] {
  const lists: { start: number; end: number }[][] = [];
  let depth = 0;
  let start = 0;
  for (const match of body.matchAll(/<(\/?)(member|item)>/g)) {
    if (match[1] === "") {
      if (depth++ === 0) start = match.index;
      continue;
    }
    if (--depth > 0) continue;
    const element = { start, end: match.index + match[0].length };
    const last = lists.at(-1)?.at(-1);
    if (last && body.slice(last.end, element.start).trim() === "") lists.at(-1)!.push(element);
    else lists.push([element]);
  }
  return lists;
}

function expandXml(body: string, organization: ScaledOrganization, paging: Paging, where: string): string {
  const pieces: string[] = [];
  let cursor = 0;
  let grown = 0;
  let nextToken: string | undefined;
  for (const list of xmlLists(body)) {
    const between = body.slice(cursor, list[0].start);
    if (templatesMentioned(between, organization).size > 0) throw leak(where, between);
    pieces.push(between);
    let changed = false;
    const items = list.flatMap(({ start, end }) => {
      const text = body.slice(start, end);
      const expanded = expandElement(text, organization, where);
      if (expanded) changed = true;
      return expanded ?? [text];
    });
    let shown = items;
    if (changed && paging.maxResults !== undefined) {
      if (++grown > 1) throw new Error(`${where}: more than one list grows; cannot page them`);
      ({ items: shown, next: nextToken } = page(items, paging));
    }
    pieces.push(shown.join(""));
    cursor = list.at(-1)!.end;
  }
  if (paging.offset !== undefined && grown === 0) throw unpaged(where);
  let rest = body.slice(cursor);
  if (templatesMentioned(rest, organization).size > 0) throw leak(where, rest);
  if (grown > 0 && /<NextToken>/.test(body)) {
    throw new Error(`${where}: the recorded answer is itself paged; seed fewer accounts per listing`);
  }
  if (nextToken) {
    // The token sits beside the list, right after the element that holds it.
    const closing = rest.indexOf(">", rest.indexOf("</")) + 1;
    rest = `${rest.slice(0, closing)}<NextToken>${nextToken}</NextToken>${rest.slice(closing)}`;
  }
  return pieces.join("") + rest;
}

/**
 * An answer to a request about no account in particular (list the accounts of an OU, the instances of a
 * StackSet), for the scaled organisation: every list element about a template becomes one per clone of it,
 * and the grown list is cut to the page asked for. `where` names the request in errors.
 */
export function expandListing(
  body: string,
  organization: ScaledOrganization,
  paging: Paging,
  where: string,
): string {
  const text = body.trimStart();
  if (text.startsWith("{") || text.startsWith("[")) return expandJson(body, organization, paging, where);
  if (text.startsWith("<")) return expandXml(body, organization, paging, where);
  if (templatesMentioned(body, organization).size > 0) throw leak(where, body);
  return body;
}
