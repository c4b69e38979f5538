import { useState } from 'react';
// The side-effect entry: defines <presigned-uploader> before React first renders it, so that
// React 19 finds its properties (`'headers' in element`) and sets them as properties.
import 'presigned-uploader/presigned-uploader.js';

// Module scope: one object for the page's life, so React never sets the property again.
const headers = { Authorization: 'Bearer example-token' };

export function App() {
  const [keys, setKeys] = useState<string[]>([]);
  const [errors, setErrors] = useState<string[]>([]);

  return (
    <main>
      <h1>React 19</h1>
      <presigned-uploader
        endpoint="/api/sign"
        register-endpoint="/api/register"
        multiple
        headers={headers}
        onupload-complete={(event) => setKeys((list) => [...list, event.detail.key])}
        onupload-error={(event) =>
          setErrors((list) => [...list, `${event.detail.file.name}: ${event.detail.stage}: ${event.detail.error.message}`])
        }
      />
      <h2>Completed</h2>
      <ul id="completed">
        {keys.map((key) => (
          <li key={key}>{key}</li>
        ))}
      </ul>
      <ul id="errors">
        {errors.map((error, i) => (
          <li key={i}>{error}</li>
        ))}
      </ul>
    </main>
  );
}
