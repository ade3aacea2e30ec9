import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { signIn, type ConsoleConfig } from './auth/auth';
import { I18nProvider } from './i18n/i18n';
import { Router } from './navigation/router';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

async function start() {
  // Served by the control plane: which Keycloak, realm and client to sign in with.
  const config = (await (await fetch('/console/config.json')).json()) as ConsoleConfig;
  await signIn(config);
  root.render(
    <StrictMode>
      <I18nProvider>
        <Router>
          <App />
        </Router>
      </I18nProvider>
    </StrictMode>,
  );
}

start().catch((error: unknown) => {
  root.render(<p role="alert">{`Sign-in failed / 로그인 실패: ${(error as Error)?.message ?? String(error)}`}</p>);
});
