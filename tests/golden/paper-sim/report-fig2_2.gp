# greenbatch report: densenet121: energy per image vs max response time
set terminal svg size 900,600 noenhanced font 'sans,12' background rgb 'white'
set output 'fig2_2.svg'
set datafile missing 'NaN'
set title 'densenet121: energy per image vs max response time'
set xlabel 'energy per image (J), estimate (NOT a measurement)'
set ylabel 'max response time (s), scheduled arrival to end of batch'
set grid
set key outside right top
set offsets graph 0.05, graph 0.15, graph 0.1, graph 0.1
set logscale y
plot 'fig2_2.dat' index 0 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#1b9e77' title '16/s', 'fig2_2.dat' index 0 using 1:2:5 with labels left offset char 0.5,0.5 font ',8' tc rgb '#1b9e77' notitle, 'fig2_2_front.dat' index 0 using 1:2 with lines dt 2 lw 1.5 lc rgb '#1b9e77' title '16/s Pareto front', \
     'fig2_2.dat' index 1 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#d95f02' title '32/s', 'fig2_2.dat' index 1 using 1:2:5 with labels left offset char 0.5,0.5 font ',8' tc rgb '#d95f02' notitle, 'fig2_2_front.dat' index 1 using 1:2 with lines dt 2 lw 1.5 lc rgb '#d95f02' title '32/s Pareto front', \
     'fig2_2.dat' index 2 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#7570b3' title '64/s', 'fig2_2.dat' index 2 using 1:2:5 with labels left offset char 0.5,0.5 font ',8' tc rgb '#7570b3' notitle, 'fig2_2_front.dat' index 2 using 1:2 with lines dt 2 lw 1.5 lc rgb '#7570b3' title '64/s Pareto front', \
     'fig2_2.dat' index 3 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#e7298a' title '128/s', 'fig2_2.dat' index 3 using 1:2:5 with labels left offset char 0.5,0.5 font ',8' tc rgb '#e7298a' notitle, 'fig2_2_front.dat' index 3 using 1:2 with lines dt 2 lw 1.5 lc rgb '#e7298a' title '128/s Pareto front'
set terminal pngcairo size 900,600 noenhanced font 'sans,10' background rgb 'white'
set output 'fig2_2.png'
replot
unset output
