import { loadBestBackend } from './backend-loader';
import { connectToParent } from './parent-channel';
import { createTrainerJob } from './trainer-job';

/** Entry of the trainer process: one job, then exit. Never imports electron. */
function main(): void {
  const channel = connectToParent();
  if (!channel) {
    process.stderr.write('The Netwright trainer must be started by Netwright (no parent channel).\n');
    process.exit(2);
  }
  const job = createTrainerJob({ send: (msg) => channel.send(msg), loadBackend: () => loadBestBackend() });
  channel.onMessage((data) => job.handle(data));
  void job.finished.then(() => {
    // Let the last message flush before leaving.
    setTimeout(() => {
      channel.close();
      process.exit(0);
    }, 50);
  });
}

main();
