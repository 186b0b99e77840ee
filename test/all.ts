/** Every test file, in the order they run. */
import './engine.test.js';
import './sources.test.js';
import './crs.test.js';
import './grid.test.js';
import './generator.test.js';
import './fill.test.js';
import './keras-alignment.test.js';
import './samples.test.js';
import './attributes.test.js';
import './robustness.test.js';
import './sandbox.test.js';
import './limits.test.js';
import './tf.test.js';
import './remote.test.js';
import './mosaic.test.js';
import './chips.test.js';
import './prediction.test.js';
