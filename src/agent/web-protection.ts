import type { DeviceReport, Platform, WebThreatSource } from '../protocol/index.js';
import { describeMatch, verdict as ask, type Explanation, type ThreatDb, type Verdict } from '../verdict/index.js';

/** What a front end does with a connection. */
export type WebAction = 'allow' | 'audit' | 'warn' | 'block';

export type WebThreatDraft = Omit<Extract<DeviceReport, { type: 'web_threat' }>, 'id' | 'occurredAt'>;

export interface WebCheck {
  action: WebAction;
  /** One sentence for the block page. */
  reason: string;
  /** The rule that matched, for the block page, the report and the helpdesk. */
  rule: string;
  /** What to report (before privacy filtering); none for an allowed connection. */
  report?: WebThreatDraft;
}

export interface WebContext {
  db: ThreatDb | undefined;
  /** Web protection runs: enabled by policy and the tunnel (or the front ends) connected. */
  active: boolean;
  platform: Platform;
  groups: readonly string[];
}

export interface WebQuestion {
  /** The full URL when the front end saw it, or only the host. */
  url: string;
  visibility: 'full-url' | 'domain-only';
}

const ALLOW: WebCheck = { action: 'allow', reason: '', rule: '' };

function sourceOf(reason: Explanation): WebThreatSource {
  if (reason.kind === 'indicator') return 'custom_indicator';
  if (reason.kind === 'lookalike') return 'lookalike';
  return reason.category === 'phishing' ? 'phishing' : 'malware';
}

function ruleOf(reason: Explanation): string {
  if (reason.kind === 'indicator') return `indicator:${reason.indicatorId}`;
  if (reason.kind === 'lookalike') return `lookalike:${reason.brand}`;
  return `feed:${reason.source}/${reason.expression}`;
}

function sentenceOf(reason: Explanation): string {
  if (reason.kind === 'indicator') return `Blocked by your organisation: ${reason.title}`;
  if (reason.kind === 'lookalike') return `This site imitates ${reason.brand}`;
  return reason.category === 'phishing' ? 'Known phishing site' : `Known ${reason.category} site`;
}

/**
 * The front ends' decision for one connection, from the verdict engine's answer: Block and Warn
 * stop it (a Warn can be continued where a page can be shown), an Audit indicator lets it pass
 * and is reported, anything else passes. Web protection that is not running decides nothing.
 */
// `now` comes apart from the context: a context copied per query (DNS asks ~100k times a second)
// costs more than the verdict itself and its copies crowd the young heap.
export function checkWeb(ctx: WebContext, question: WebQuestion, now: number): WebCheck {
  if (!ctx.active || !ctx.db) return ALLOW;
  return webCheckOf(ask(ctx.db, { url: question.url, visibility: question.visibility, platform: ctx.platform, groups: ctx.groups, now }), question);
}

export function webCheckOf(v: Verdict, question: WebQuestion): WebCheck {
  const decided = v.action === 'Block' || v.action === 'Warn' ? v.reason : undefined;
  const audit = decided ? undefined : v.audits[0];
  const match = decided ?? audit;
  if (!match) return ALLOW;
  const action: WebAction = decided ? (v.action === 'Block' ? 'block' : 'warn') : 'audit';
  const report: WebThreatDraft = {
    type: 'web_threat',
    source: sourceOf(match),
    action: action === 'block' ? 'Block' : action === 'warn' ? 'Warn' : 'Audit',
    visibility: v.domainOnly ? 'domain_only' : 'full_url',
    ruleId: ruleOf(match).slice(0, 128),
    ...(v.host ? { domain: v.host } : {}),
    // Privacy filtering (what may leave the device) happens when the report is queued.
    ...(question.visibility === 'full-url' ? { url: question.url.slice(0, 2048) } : {}),
  };
  return { action, reason: sentenceOf(match), rule: `${ruleOf(match)} (${describeMatch(match)})`, report };
}
