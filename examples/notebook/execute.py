"""Executes a notebook cell by cell on a Jupyter kernel (Debian's python3-jupyter-client) and writes it
with its outputs. Unlike nbconvert/nbclient, it keeps listening for a moment after the kernel reports
idle: Deno's kernel sometimes publishes a cell's outputs just after its idle status, and nbclient then
drops them (pictures missing at random). Fails (exit 1) if any cell raises.

Usage: python3 execute.py NOTEBOOK OUTPUT [KERNEL]"""
import json, os, queue, sys, time
from jupyter_client.manager import start_new_kernel

src, dst = sys.argv[1], sys.argv[2]
kernel = sys.argv[3] if len(sys.argv) > 3 else 'deno'
QUIET = 0.5      # seconds without messages after idle before a cell counts as done
TIMEOUT = 600    # seconds per cell

nb = json.load(open(src))
km, kc = start_new_kernel(kernel_name=kernel, cwd=os.path.dirname(os.path.abspath(src)) or '.')
failed = None
try:
    for n, cell in enumerate(nb['cells']):
        if cell['cell_type'] != 'code':
            continue
        code = ''.join(cell['source'])
        msg_id = kc.execute(code)
        outputs, idle, t0, last = [], False, time.time(), time.time()
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                if idle and time.time() - last > QUIET:
                    break
                if time.time() - t0 > TIMEOUT:
                    raise TimeoutError(f'cell {n} ran longer than {TIMEOUT} s')
                continue
            if msg['parent_header'].get('msg_id') != msg_id:
                continue
            last = time.time()
            t, c = msg['msg_type'], msg['content']
            if t == 'status':
                idle = c['execution_state'] == 'idle'
            elif t == 'stream':
                if outputs and outputs[-1]['output_type'] == 'stream' and outputs[-1]['name'] == c['name']:
                    outputs[-1]['text'] += c['text']
                else:
                    outputs.append({'output_type': 'stream', 'name': c['name'], 'text': c['text']})
            elif t in ('display_data', 'execute_result'):
                out = {'output_type': t, 'data': c['data'], 'metadata': c.get('metadata', {})}
                if t == 'execute_result':
                    out['execution_count'] = c.get('execution_count')
                outputs.append(out)
            elif t == 'error':
                outputs.append({'output_type': 'error', 'ename': c['ename'], 'evalue': c['evalue'], 'traceback': c['traceback']})
                failed = failed or f"cell {n}: {c['ename']}: {c['evalue']}"
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        while reply['parent_header'].get('msg_id') != msg_id:
            reply = kc.get_shell_msg(timeout=TIMEOUT)
        cell['outputs'] = outputs
        cell['execution_count'] = reply['content'].get('execution_count')
        if reply['content'].get('status') == 'error':
            failed = failed or f"cell {n}: {reply['content'].get('ename')}: {reply['content'].get('evalue')}"
        if failed:
            break
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
json.dump(nb, open(dst, 'w'), indent=1, ensure_ascii=False)
open(dst, 'a').write('\n')
if failed:
    print(f'error: {failed}', file=sys.stderr)
    sys.exit(1)
print(f'executed {sum(1 for c in nb["cells"] if c["cell_type"] == "code")} code cells of {src}')
