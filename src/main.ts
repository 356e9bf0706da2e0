import { mount } from 'svelte';
import App from './app/App.svelte';
import './app/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html needs an element with id "app" to mount the lab in.');
mount(App, { target });
