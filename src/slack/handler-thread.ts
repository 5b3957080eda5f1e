/** Entry of the handler thread: an InlineTaskSink fed with tasks by the HTTP thread (see thread-task-sink.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { createHandlerSide, type HandlerSideOptions } from './create-handler-side.ts';
import type { ThreadMessage } from './thread-task-sink.ts';

const port = parentPort;
if (!port) throw new Error('handler-thread.ts runs only as a worker thread');
const sink = createHandlerSide(workerData as HandlerSideOptions);
sink.start();
port.on('message', (message: ThreadMessage) => {
  if (message.type === 'task') sink.handle(message.task);
  else if (message.type === 'close') {
    void sink.close(message.graceMs).finally(() => {
      port.postMessage({ type: 'closed' });
      port.close();
    });
  }
});
port.postMessage({ type: 'ready' });
