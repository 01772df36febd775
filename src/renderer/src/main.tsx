import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The shared styles first (tokens, base, controls): each component's own CSS, imported beside it, comes after.
import './styles.css';
import { App } from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
