// Reads a window and a flow of elev.tif in ../shared/data (or the folder GEOTENSOR_DATA names), then prints a checksum of their values (or the
// error's class, code and message). test/permission/run.mjs runs it with and without Node's permission model.
import { openRaster, SpatialDataGenerator } from '../../dist/index.js';

const file = `${process.env.GEOTENSOR_DATA ?? '../shared/data'}/elev.tif`;
try {
  const r = await openRaster(file);
  const w = await r.readWindow({ bounds: r.describe().bounds, width: 64, height: 64, resampling: 'bilinear' });
  await r.close();
  const sdg = await SpatialDataGenerator.open(file);
  let sum = 0;
  let n = 0;
  for await (const b of sdg.flow(sdg.regularGrid(0.2, 0.2), 16, 16, { batchSize: 4 })) {
    for (const v of b.data) sum += v;
    n += b.shape[0];
  }
  await sdg.close();
  let wsum = 0;
  for (const v of w.data) wsum += v;
  console.log(`window ${w.data.length} values, sum ${wsum}; flow ${n} samples, sum ${sum}`);
} catch (e) {
  console.log(`error ${e.name} ${e.code}: ${e.message}`);
}
