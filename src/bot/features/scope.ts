// Feature: the chat's scope. /district and /report restrict the next questions in this chat to one
// district or one report; the district buttons (and "取消限定" under a restricted "not found") set it too.
import { Composer, type Context } from 'grammy';
import { escapeHtml } from '../../present/telegram.js';
import { indexedPlaceNames } from '../../places/find.js';
import { onCallback } from '../callback-data.js';
import { type BotEnv, labelOf } from '../env.js';
import { districtKeyboard } from '../keyboards.js';
import { parseDistrictArg, parseReportArg, type Scope, scopeFromArg } from '../scopes.js';
import { sourcesText, TEXT } from '../texts.js';
import { clip, editOrIgnore } from '../util.js';

export function scopeFeature(env: BotEnv): Composer<Context> {
  const c = new Composer<Context>();
  const { engine, scopes } = env;
  const changed = (scope: Scope) => scopeChangedText(labelOf(env, scope));

  c.command('district', async (ctx) => {
    const current = scopes.get(ctx.chat.id);
    const arg = ctx.match.trim();
    if (!arg) {
      const range = labelOf(env, current) ?? '全部报告';
      return void (await ctx.reply(`当前查找范围：${escapeHtml(range)}。选一个地方，之后的问题只在该地的报告中查找：`, {
        parse_mode: 'HTML',
        reply_markup: districtKeyboard(current.district, indexedPlaceNames(engine.reports())),
      }));
    }
    const places = indexedPlaceNames(engine.reports());
    const parsed = parseDistrictArg(arg, places);
    if (parsed.kind === 'unknown') {
      return void (await ctx.reply(`已收录的报告中没有“${escapeHtml(clip(parsed.text, 20))}”。可以选：${escapeHtml(places.join('、'))}，或“全部”。`, {
        parse_mode: 'HTML',
        reply_markup: districtKeyboard(current.district, places),
      }));
    }
    const scope = scopeFromArg(parsed);
    scopes.set(ctx.chat.id, scope);
    await ctx.reply(changed(scope));
  });

  c.command('report', async (ctx) => {
    const reports = engine.reports();
    const arg = ctx.match.trim();
    if (!arg) return void (await ctx.reply(sourcesText(reports), { parse_mode: 'HTML' }));
    const parsed = parseReportArg(arg, reports);
    if (parsed.kind === 'unknown') {
      return void (await ctx.reply(`没有找到报告“${escapeHtml(clip(parsed.text, 40))}”。用 /sources 中的编号，例如 /report 1；/report 全部 取消限定。`, {
        parse_mode: 'HTML',
      }));
    }
    const scope = scopeFromArg(parsed);
    scopes.set(ctx.chat.id, scope);
    await ctx.reply(changed(scope));
  });

  onCallback(c, 'district', async (ctx, action) => {
    const district = action.index === null ? null : indexedPlaceNames(engine.reports())[action.index];
    // A button of a place no longer indexed (a report removed since) is answered like any stale button.
    if (district === undefined) return void (await ctx.answerCallbackQuery({ text: TEXT.expired }));
    const scope: Scope = { district, file: null };
    if (ctx.chat) scopes.set(ctx.chat.id, scope);
    await editOrIgnore(() => ctx.editMessageText(changed(scope)));
    await ctx.answerCallbackQuery({ text: district ? `已限定：${district}` : '已取消限定' });
  });
  return c;
}

function scopeChangedText(label: string | null): string {
  if (!label) return '好的，之后的问题在全部报告中查找。';
  return `好的，之后的问题只在“${label}”的报告中查找。发送 /district 全部 取消限定。`;
}
