import { mount } from 'svelte'
import App from './App.svelte'
import { getKioskApi } from './bridge/kiosk-api'
import './styles.css'

const target = document.getElementById('app')
if (!target) throw new Error('#app is missing from index.html')
const api = await getKioskApi()
mount(App, { target, props: { api } })
