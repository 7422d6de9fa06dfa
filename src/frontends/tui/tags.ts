/** Blessed's {tag} markup: escaping text that is not ours, and measuring text that has tags. */

/** Text from outside (messages, paths) must not be read as markup. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}'));
}

/** What the terminal shows: tags removed, escapes turned back into braces. */
export function visibleText(tagged: string): string {
  return tagged.replace(/\{(\/?[a-z0-9-]*)\}/gi, (_, name: string) => (name === 'open' ? '{' : name === 'close' ? '}' : ''));
}
