// Checks for the test scripts that run outside the harness (package, bundlers): `ok - group: name`
// lines, the detail of a failure indented under it, and the closing "group: N passed, N failed".
export function checks(group) {
  let passed = 0;
  let failed = 0;
  return {
    check(name, ok, detail = '') {
      if (ok) passed++;
      else failed++;
      console.log(`${ok ? 'ok' : 'not ok'} - ${group}: ${name}${ok || !detail ? '' : `\n  ${String(detail).slice(0, 1500).replace(/\n/g, '\n  ')}`}`);
    },
    /** Prints the summary line and exits 1 if anything failed. */
    end() {
      console.log(`${group}: ${passed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    },
  };
}
