/** Every test file, in the order they run. */
import './engine.test.js';
import './sources.test.js';
import './crs.test.js';
