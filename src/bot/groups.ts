// Gate: in groups, only what is addressed to the bot goes on to the allow-list and the features.
import type { Context, MiddlewareFn } from 'grammy';

/**
 * In groups the bot answers only what is meant for it: commands, messages that mention it, and replies
 * to its own messages. Everything else in a group is colleagues talking, and is dropped here, before
 * the allow-list, so the bot never refuses people who were not talking to it.
 */
export function addressedOnly(): MiddlewareFn<Context> {
  return async (ctx, next) => {
    if (ctx.channelPost || ctx.editedChannelPost) return;
    const msg = ctx.message ?? ctx.editedMessage;
    const type = ctx.chat?.type;
    if (!msg || (type !== 'group' && type !== 'supergroup')) return next();
    if (isAddressedToBot(msg, ctx.me.id, ctx.me.username)) return next();
  };
}

interface MessageLike {
  text?: string;
  caption?: string;
  entities?: { type: string; offset: number; length: number }[];
  caption_entities?: { type: string; offset: number; length: number }[];
  reply_to_message?: { from?: { id: number } };
}

export function isAddressedToBot(msg: MessageLike, botId: number, botUsername: string): boolean {
  if (msg.reply_to_message?.from?.id === botId) return true;
  const text = msg.text ?? msg.caption ?? '';
  const entities = msg.entities ?? msg.caption_entities ?? [];
  const mention = '@' + botUsername.toLowerCase();
  for (const e of entities) {
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'bot_command' && e.offset === 0) {
      const at = part.indexOf('@');
      if (at < 0 || part.slice(at) === mention) return true;
    }
    if (e.type === 'mention' && part === mention) return true;
  }
  return false;
}
