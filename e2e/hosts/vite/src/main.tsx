// The Vite host's entry: a two-page dashboard whose client-side navigation mounts and unmounts
// the section.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './host.css';

const root = document.getElementById('root');
if (root === null) throw new Error('no #root in index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
