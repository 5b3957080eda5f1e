/** What a renderer produces: one Slack message, plus a file when the output is too long for blocks. */
import type { KnownBlock } from './block-kit.ts';
import type { RemediationConfig } from '../../chat/remediations.ts';

export interface SlackFile {
  filename: string;
  title: string;
  content: string;
}

export interface SlackMessage {
  /** Notification and screen-reader fallback; also what clients without blocks show. */
  text: string;
  blocks: KnownBlock[];
  /** The full output, uploaded into the thread when blocks had to be truncated. */
  file?: SlackFile;
  /** What the lines of this message are, for the note when it is cut: "… and 143 more events" (default "lines"). */
  overflowUnit?: string;
}

export interface RenderContext {
  /** Names the config knows: remediation buttons are only offered for these. */
  config: RemediationConfig;
}
