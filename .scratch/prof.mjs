// preload: CPU profile of the whole process, written at exit to $QPROF_DIR/<pid>-<argv>.cpuprofile
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
const dir = process.env.QPROF_DIR;
if (dir) {
  const s = new Session();
  s.connect();
  s.post('Profiler.setSamplingInterval', { interval: 1000 });
  s.post('Profiler.enable');
  s.post('Profiler.start');
  const name = process.argv.slice(2).join(' ').replace(/[^a-z0-9-]+/gi, '_').slice(0, 80);
  process.on('exit', () => {
    s.post('Profiler.stop', (err, r) => { if (!err) writeFileSync(`${dir}/${process.pid}-${name}.cpuprofile`, JSON.stringify(r.profile)); });
  });
}
