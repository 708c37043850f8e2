import { fromKysely, PgBoss, type Job, type Queue } from 'pg-boss';
import type { Database, Kysely } from '@sre/db';
import type { Logger } from '@sre/service-kit';

// Diagnosis tasks go through pg-boss (docs/decisions/0008-diagnosis-queue-pg-boss.md): jobs live in the shared
// PostgreSQL, are claimed with SKIP LOCKED, retried with backoff, expire when they run too long,
// and are failed over to another worker when their worker stops sending heartbeats.
const diagnosisQueue = 'diagnosis';
// Jobs that exhausted their retries, or whose last attempt was lost, land here to be recorded as failed.
const abandonedQueue = 'diagnosis-abandoned';

// pg-boss' minimum. A worker that stops beating for this long is presumed dead.
const heartbeatSeconds = 10;
// How often pg-boss looks for expired and heartbeat-less jobs and counts each queue's backlog
// (its default, 60 s, would leave a crashed worker's task unattended for a minute).
const superviseIntervalSeconds = 2;
// A worker that has just finished a job sleeps until its next poll unless the (cached) backlog
// count says more are waiting; NOTIFY only wakes idle workers. Polling every second bounds the
// wait of a burst's tail until the backlog count catches up and the workers drain it back to
// back. Measured with `npm run bench:diagnosis -- --interval-ms 0 --alerts 100`.
const pollingIntervalSeconds = 1;

interface TaskJob {
  taskId: string;
}

export interface TaskQueueOptions {
  connectionString: string;
  log: Logger;
  /** Deadline for one attempt; the queue also expires a job that runs past it. */
  timeoutSeconds: number;
  /** Attempts after the first, with exponential backoff from one second. */
  retryLimit: number;
  /** Tasks this process works on at once. */
  concurrency: number;
}

export interface TaskHandlers {
  /** Works the task; a throw means "try again later". The signal aborts at the attempt's deadline, `deadline`. */
  run(taskId: string, signal: AbortSignal, deadline: Date): Promise<void>;
  /** Records that the task will not be tried again, and why. */
  fail(taskId: string, reason: string): Promise<void>;
}

export interface TaskQueue {
  /** Installs or upgrades the queue's schema and queues; call before anything else. */
  start(): Promise<void>;
  /** Queues a task inside the caller's transaction: the job exists exactly when the task row does. */
  enqueue(taskId: string, transaction: Kysely<Database>): Promise<void>;
  /** Starts taking tasks in this process. */
  work(handlers: TaskHandlers): Promise<void>;
  /** Stops taking tasks and waits (up to the attempt deadline) for those in hand. */
  stop(): Promise<void>;
}

/** The durable queue of diagnosis tasks, on pg-boss in the shared database. */
export function createTaskQueue(options: TaskQueueOptions): TaskQueue {
  const { log, timeoutSeconds, retryLimit, concurrency } = options;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    application_name: 'sre-assistant-queue',
    max: concurrency + 2,
    superviseIntervalSeconds,
    monitorIntervalSeconds: superviseIntervalSeconds,
    queueCacheIntervalSeconds: superviseIntervalSeconds,
    // No cron schedules here; the timekeeper would only cost queries.
    schedule: false,
    useListenNotify: true,
  });
  boss.on('error', (error) => log.error({ err: error }, 'task queue error'));

  const queueOptions: Omit<Queue, 'name'> = {
    expireInSeconds: timeoutSeconds,
    retryLimit,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
    heartbeatSeconds,
    deadLetter: abandonedQueue,
    notify: true,
  };

  async function ensureQueue(name: string, settings: Omit<Queue, 'name'>): Promise<void> {
    if (await boss.getQueue(name)) await boss.updateQueue(name, settings);
    else await boss.createQueue(name, settings);
  }

  return {
    async start() {
      await boss.start();
      await ensureQueue(abandonedQueue, { retryLimit: 5, retryBackoff: true, notify: true });
      await ensureQueue(diagnosisQueue, queueOptions);
    },

    async enqueue(taskId, transaction) {
      const data: TaskJob = { taskId };
      await boss.send(diagnosisQueue, data, { db: fromKysely(transaction) });
    },

    async work(handlers) {
      const polling = {
        batchSize: 1,
        localConcurrency: concurrency,
        pollingIntervalSeconds,
        notifyPollingIntervalSeconds: pollingIntervalSeconds,
        burstWhenReadyExceeds: 1,
      } as const;
      const withMetadata = { ...polling, includeMetadata: true } as const;
      await boss.work<TaskJob, void, typeof withMetadata>(diagnosisQueue, withMetadata, async ([job]) => {
        if (!job) return;
        // Stop a little before the queue would expire the job, so that the attempt can still write what it found.
        const attemptMs = Math.max(1, timeoutSeconds - 2) * 1000;
        const deadline = new Date(Date.now() + attemptMs);
        const signal = AbortSignal.any([job.signal, AbortSignal.timeout(attemptMs)]);
        try {
          await handlers.run(job.data.taskId, signal, deadline);
        } catch (error) {
          const finalAttempt = job.retryCount >= job.retryLimit;
          log.warn({ err: error, taskId: job.data.taskId, attempt: job.retryCount + 1, finalAttempt }, 'a diagnosis attempt failed');
          if (finalAttempt) await handlers.fail(job.data.taskId, `gave up after ${job.retryCount + 1} attempts: ${messageOf(error)}`);
          throw error;
        }
      });
      await boss.work<TaskJob>(abandonedQueue, polling, async ([job]: Job<TaskJob>[]) => {
        if (!job) return;
        await handlers.fail(job.data.taskId, 'the diagnosis did not finish: its worker stopped responding or it ran past its time limit on every attempt');
      });
    },

    stop: () => boss.stop({ graceful: true, timeout: timeoutSeconds * 1000 }),
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
