#!/usr/bin/env bash
# Takes the README's pictures from the real thing: the terminal dashboard in xterm under Xvfb
# (an xwd screenshot), and the live page in headless Chromium, both over the built-in demo
# traffic. Needs xvfb, xterm, x11-apps, imagemagick (its /usr/bin/convert) and chromium (Debian),
# and a build.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/images
mkdir -p "$out"
display=:77
Xvfb "$display" -screen 0 1400x900x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
DISPLAY=$display xterm -geometry 130x40+0+0 -fa 'DejaVu Sans Mono' -fs 10 -bg '#0f1318' -fg '#e6edf3' \
  -e env LANG=C.UTF-8 TERM=xterm-256color node dist/run.js --demo-traffic &
term=$!
sleep 40 # the charts fill their first minute
DISPLAY=$display xwd -root -silent | /usr/bin/convert xwd:- -trim "$out/terminal.png"
kill $term 2>/dev/null || true
node dist/scripts/page-picture.js "$out/page.png"
echo "wrote $out/terminal.png and $out/page.png"
