// Owns driving headless Chromium from the tests over the DevTools protocol on a pipe (--remote-debugging-pipe:
// NUL-terminated JSON on fds 3 and 4; no npm dependency): open a page, collect its console errors and
// uncaught exceptions, evaluate an expression in it, close the browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

interface Message { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string }

export class Browser {
  private next = 1;
  private pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private listeners: ((m: Message) => void)[] = [];
  private buffer = '';
  private readonly profile = mkdtempSync(join(tmpdir(), 'iommu-check-chromium-'));
  private readonly proc: ChildProcess;
  readonly errors: string[] = [];

  constructor(executable: string) {
    this.proc = spawn(executable, ['--headless', '--no-sandbox', '--disable-gpu', '--remote-debugging-pipe', '--no-first-run',
      '--no-default-browser-check', '--disable-extensions', `--user-data-dir=${this.profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    (this.proc.stdio[4] as Readable).on('data', (chunk: Buffer) => this.onData(chunk.toString('utf8')));
    this.proc.on('exit', () => { for (const p of this.pending.values()) p.reject(new Error('chromium exited')); this.pending.clear(); });
  }

  private onData(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const m = JSON.parse(this.buffer.slice(0, end)) as Message;
      this.buffer = this.buffer.slice(end + 1);
      if (m.id !== undefined && this.pending.has(m.id)) {
        const p = this.pending.get(m.id)!;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(m.error.message));
        else p.resolve(m);
      } else for (const l of this.listeners) l(m);
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.next++;
    const out = new Promise<Message>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (this.proc.stdio[3] as Writable).write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    return out.then((m) => m.result ?? {});
  }

  /** Opens url in a new page, waits for its load event, and returns the value of `expression` evaluated there. */
  async evaluate(url: string, expression: string): Promise<unknown> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    this.listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params ?? {};
      if (m.method === 'Runtime.exceptionThrown') this.errors.push(`exception: ${JSON.stringify(p.exceptionDetails)}`);
      if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) this.errors.push(`console.${String(p.type)}: ${JSON.stringify(p.args)}`);
      if (m.method === 'Log.entryAdded' && (p.entry as { level?: string })?.level === 'error') this.errors.push(`log: ${JSON.stringify(p.entry)}`);
    });
    await this.send('Runtime.enable', {}, sessionId);
    await this.send('Log.enable', {}, sessionId);
    await this.send('Page.enable', {}, sessionId);
    const loaded = new Promise<void>((resolve) => this.listeners.push((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired' && resolve()));
    await this.send('Page.navigate', { url }, sessionId);
    await loaded;
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as { result: { value: unknown }; exceptionDetails?: unknown };
    if (r.exceptionDetails) throw new Error(`evaluate: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }

  async close(): Promise<void> {
    await this.send('Browser.close').catch(() => undefined);
    if (this.proc.exitCode === null) await new Promise((resolve) => this.proc.once('exit', resolve));
    rmSync(this.profile, { recursive: true, force: true });
  }
}
