import { MemoryEventStore } from 'ipb-ledger';
import { eventStoreContract } from './store-contract.js';

eventStoreContract('memory', async () => ({ store: new MemoryEventStore() }));
