// The bundler quick start of packages/browser/README.md.
import { init, setUser } from '@faultline/browser';

init({ dsn: 'https://public@example.invalid/1', release: 'shop@1.4.2' });
setUser({ id: 'u-42' });
