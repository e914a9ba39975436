import { mount } from 'svelte';
import App from './App.svelte';
import { startLocale } from './i18n/locale.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no <div id="app">');

// The language first: every message the app renders reads it (and <html lang> is set).
startLocale();

export default mount(App, { target });
