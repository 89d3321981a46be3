# The figure of docs/policies.md from the data file tools/policy_table.py writes.
# Usage: gnuplot -e "data='DIR/policy_figure.dat'; out='docs/img/policies'" tools/policy_figure.gp
set datafile missing 'NaN'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside right top
set xtics rotate by -60 font ',8'
set ylabel 'energy per image vs greedy (%), simulated (estimate)'
set title 'Policies meeting the latency budget T (missing bar: misses T), 2-vCPU CPU profiles'
set xzeroaxis lt -1
rel(c) = (column(c) / column(2) - 1) * 100
set terminal svg size 1400,600 noenhanced font 'sans,11' background rgb 'white'
set output out.'.svg'
plot data every ::1 using (rel(3)):xtic(1) title 'best fixed:N,timeout=T' lc rgb '#1b9e77', \
     '' every ::1 using (rel(4)) title 'triton delay=T/2' lc rgb '#d95f02', \
     '' every ::1 using (rel(5)) title 'aimd:slo=T' lc rgb '#7570b3', \
     '' every ::1 using (rel(6)) title 'slo:T (ours)' lc rgb '#e7298a', \
     '' every ::1 using (rel(7)) title 'offline:T (bound)' lc rgb '#666666'
set terminal pngcairo size 1400,600 noenhanced font 'sans,9' background rgb 'white'
set output out.'.png'
replot
