import { useEffect, useState } from 'react';
import { useConnection } from '../platform';

/** Shown in the browser mode while the WebSocket to the host is down. */
export function ConnectionBanner() {
  const c = useConnection();
  const [slow, setSlow] = useState(false);
  // A first connection normally takes a moment: say nothing for the first second.
  useEffect(() => {
    if (c.status === 'open') {
      setSlow(false);
      return;
    }
    const t = setTimeout(() => setSlow(true), 1000);
    return () => clearTimeout(t);
  }, [c.status]);
  if (c.status === 'open' || (!slow && c.attempts === 0)) return null;
  const retry = c.retryInMs !== undefined && c.status === 'closed' ? ` Retrying in ${Math.ceil(c.retryInMs / 1000)} s…` : ' Reconnecting…';
  return (
    <div className="banner" role="alert" data-testid="connection-banner">
      <strong>{c.everConnected ? 'Disconnected from the Netwright host.' : 'Cannot reach the Netwright host.'}</strong>
      {retry} Training and file actions wait until it is back; your work on the canvas is kept.
    </div>
  );
}
