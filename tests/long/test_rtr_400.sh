#!/usr/bin/env bash
# test_rtr_400.sh (label long) — trains both effectors on RTR for 400 paper-preset epochs
# and reports the learning curves (first/last 20-epoch means of tar_frac and the curve
# every 50 epochs). For reference, the PyTorch version of this pipeline reaches
# 0.27–0.75 after 400 epochs from 0.005. Fails if either effector does not learn
# (last-20 mean not at least 0.1 above the first-20 mean).
set -u
EMB=$1
OUT=${EMBODY_LONG_OUT:-$(mktemp -d)}
fails=0
for eff in point-mass arm; do
  $EMB train --effector $eff --task RTR --epochs 400 --quiet --out "$OUT/rtr-$eff" || { echo "FAIL: $eff training"; fails=$((fails+1)); continue; }
  echo "== $eff RTR, 400 paper-preset epochs (curve: $OUT/rtr-$eff/curve.csv)"
  awk -F, 'NR>1 && (NR-2)%50==0 {printf "  epoch %4d  tar_frac %.4f  loss %.4g\n", $1, $7, $2}' "$OUT/rtr-$eff/curve.csv"
  awk -F, 'NR>1{t[NR-1]=$7; n=NR-1} END{for(i=1;i<=20;i++){a+=t[i]; b+=t[n-20+i]}; a/=20; b/=20;
    printf "  first-20 mean %.4f, last-20 mean %.4f\n", a, b; exit !(b-a>=0.1)}' "$OUT/rtr-$eff/curve.csv" \
    || { echo "FAIL: $eff did not learn"; fails=$((fails+1)); }
done
echo "$((2 - fails)) passed, $fails failed"
[ $fails = 0 ]
