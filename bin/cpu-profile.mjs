// QUARRY_CPU_PROFILE=<dir>: this process samples its CPU (node:inspector's Profiler, every 1 ms)
// and writes <dir>/<pid>-<command>.cpuprofile when it exits, for Chrome DevTools or speedscope.
// Every process a devnet starts inherits the variable, so one command profiles the whole network
// (node's own --cpu-prof is refused in NODE_OPTIONS). A process killed with SIGKILL writes nothing.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.QUARRY_CPU_PROFILE;
{
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  const name = process.argv.slice(2).filter((a) => !a.startsWith('/')).join('-').replace(/[^a-z0-9-]+/gi, '_').slice(0, 60) || 'quarry';
  process.on('exit', () => {
    // the main thread's inspector session answers synchronously, so this completes before exit
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `${process.pid}-${name}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
