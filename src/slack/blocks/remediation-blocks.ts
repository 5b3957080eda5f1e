/** Remediation buttons under a result, each with a confirm dialog (the app sees the press only after "yes"). */
import { formatCommand, type Remediation } from '../../chat/remediations.ts';
import { actions, button, type KnownBlock } from './block-kit.ts';
import { ACTION_RUN, encodeButtonValue } from './button-value.ts';

export function remediationBlocks(remediations: Remediation[]): KnownBlock[] {
  if (remediations.length === 0) return [];
  const buttons = remediations.map((r, i) => {
    const commandText = formatCommand(r.command);
    return button({
      text: r.label,
      actionId: `${ACTION_RUN}-${i}`,
      value: encodeButtonValue({ k: 'remedy', c: commandText, ...(r.goproxy ? { g: r.goproxy } : {}) }),
      ...(r.style ? { style: r.style } : {}),
      confirm: {
        title: r.label,
        text: `/buildfix ${commandText}${r.goproxy ? ` with GOPROXY=${r.goproxy}` : ''}\nBecause: ${r.reason}. Only people allowed to ${r.command.kind === 'cache-clear' ? 'clear caches' : r.command.kind} can run it.`,
        confirm: 'Run it',
        deny: 'Cancel',
        ...(r.style === 'danger' ? { style: 'danger' as const } : {}),
      },
    });
  });
  return [actions(buttons, 'bf-remediations')];
}
