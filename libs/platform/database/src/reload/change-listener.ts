import { Client } from 'pg';

/** What a change listener tells its owner. */
export interface ChangeListenerEvents {
  /** A NOTIFY arrived on the channel (its payload, if any). */
  notified(payload: string | undefined): void;
  /** The established connection broke; the listener is closed and will not report again. */
  lost(error: Error): void;
}

/** An open LISTEN. */
export interface ChangeListener {
  close(): Promise<void>;
}

/** Opens a listener; rejects when it cannot (nothing is left open then). */
export type ConnectChangeListener = (events: ChangeListenerEvents) => Promise<ChangeListener>;

/** The channel the database's change triggers notify (`{"table", "op"}` payloads). */
export const CHANGES_CHANNEL = 'ai_commons_changes';

const PLAIN_CHANNEL = /^[a-z_][a-z0-9_]*$/;

/**
 * LISTEN on `channel` over a dedicated connection: pooled connections are handed to other work
 * between queries, and a LISTEN lives only as long as its session.
 */
export function postgresChangeListener(connectionString: string, channel: string): ConnectChangeListener {
  if (!PLAIN_CHANNEL.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  return async (events) => {
    const client = new Client({ connectionString });
    let established = false;
    client.on('notification', (message) => events.notified(message.payload));
    // Always handled (an unhandled 'error' would crash the process); reported only once the LISTEN
    // stands, since a failure while connecting already rejects.
    client.on('error', (error) => {
      client.end().catch(() => undefined);
      if (established) events.lost(error);
    });
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    established = true;
    return { close: () => client.end().catch(() => undefined) };
  };
}
