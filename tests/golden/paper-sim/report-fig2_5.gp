# greenbatch report: convnext_base: energy per image vs max response time
set terminal svg size 950,620 noenhanced font 'sans,12' background rgb 'white'
set output 'fig2_5.svg'
set datafile missing 'NaN'
lf = ',12'
set multiplot
set grid
set title 'convnext_base: energy per image vs max response time'
set xlabel 'energy per image (J), estimate (NOT a measurement)'
set ylabel 'max response time (s)'
set key at screen 0.73, 0.9 left top Left reverse samplen 2
set lmargin at screen 0.09
set rmargin at screen 0.71
set bmargin at screen 0.1
set tmargin at screen 0.9
unset logscale x
unset logscale y
set xrange [5.7773263:7.5639666]
set yrange [1298.7897:2527.87139]
plot 'fig2_5_front.dat' index 0 using 1:2 with lines dt 2 lw 1.5 lc rgb '#1b9e77' notitle, 'fig2_5.dat' index 0 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#1b9e77' title '16/s', \
     'fig2_5_front.dat' index 1 using 1:2 with lines dt 2 lw 1.5 lc rgb '#d95f02' notitle, 'fig2_5.dat' index 1 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#d95f02' title '32/s', \
     'fig2_5_front.dat' index 2 using 1:2 with lines dt 2 lw 1.5 lc rgb '#7570b3' notitle, 'fig2_5.dat' index 2 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#7570b3' title '64/s', \
     'fig2_5_front.dat' index 3 using 1:2 with lines dt 2 lw 1.5 lc rgb '#e7298a' notitle, 'fig2_5.dat' index 3 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#e7298a' title '128/s', \
     NaN with lines dt 2 lw 1.5 lc rgb '#555555' title 'Pareto front of a rate', \
     1 with lines dt 4 lw 2 lc rgb '#b00000' title 'budget 1 s: below the axis', 'fig2_5_leaders.dat' index 0 using 1:2 with lines lw 0.8 lc rgb '#1b9e77' notitle, 'fig2_5_leaders.dat' index 1 using 1:2 with lines lw 0.8 lc rgb '#7570b3' notitle, 'fig2_5_leaders.dat' index 2 using 1:2 with lines lw 0.8 lc rgb '#d95f02' notitle, 'fig2_5_leaders.dat' index 3 using 1:2 with lines lw 0.8 lc rgb '#e7298a' notitle, 'fig2_5_labels.dat' index 0 using 1:2:3 with labels left font lf tc rgb '#1b9e77' notitle, 'fig2_5_labels.dat' index 1 using 1:2:3 with labels right font lf tc rgb '#1b9e77' notitle, 'fig2_5_labels.dat' index 2 using 1:2:3 with labels left font lf tc rgb '#7570b3' notitle, 'fig2_5_labels.dat' index 3 using 1:2:3 with labels right font lf tc rgb '#7570b3' notitle, 'fig2_5_labels.dat' index 4 using 1:2:3 with labels left font lf tc rgb '#d95f02' notitle, 'fig2_5_labels.dat' index 5 using 1:2:3 with labels right font lf tc rgb '#d95f02' notitle, 'fig2_5_labels.dat' index 6 using 1:2:3 with labels left font lf tc rgb '#e7298a' notitle, 'fig2_5_labels.dat' index 7 using 1:2:3 with labels right font lf tc rgb '#e7298a' notitle, 'fig2_5_labels.dat' index 8 using 1:2:3 with labels center font lf tc rgb '#e7298a' notitle
unset multiplot
set terminal pngcairo size 950,620 noenhanced font 'sans,10' background rgb 'white'
set output 'fig2_5.png'
lf = ',10'
set multiplot
set grid
set title 'convnext_base: energy per image vs max response time'
set xlabel 'energy per image (J), estimate (NOT a measurement)'
set ylabel 'max response time (s)'
set key at screen 0.73, 0.9 left top Left reverse samplen 2
set lmargin at screen 0.09
set rmargin at screen 0.71
set bmargin at screen 0.1
set tmargin at screen 0.9
unset logscale x
unset logscale y
set xrange [5.7773263:7.5639666]
set yrange [1298.7897:2527.87139]
plot 'fig2_5_front.dat' index 0 using 1:2 with lines dt 2 lw 1.5 lc rgb '#1b9e77' notitle, 'fig2_5.dat' index 0 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#1b9e77' title '16/s', \
     'fig2_5_front.dat' index 1 using 1:2 with lines dt 2 lw 1.5 lc rgb '#d95f02' notitle, 'fig2_5.dat' index 1 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#d95f02' title '32/s', \
     'fig2_5_front.dat' index 2 using 1:2 with lines dt 2 lw 1.5 lc rgb '#7570b3' notitle, 'fig2_5.dat' index 2 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#7570b3' title '64/s', \
     'fig2_5_front.dat' index 3 using 1:2 with lines dt 2 lw 1.5 lc rgb '#e7298a' notitle, 'fig2_5.dat' index 3 using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '#e7298a' title '128/s', \
     NaN with lines dt 2 lw 1.5 lc rgb '#555555' title 'Pareto front of a rate', \
     1 with lines dt 4 lw 2 lc rgb '#b00000' title 'budget 1 s: below the axis', 'fig2_5_leaders.dat' index 0 using 1:2 with lines lw 0.8 lc rgb '#1b9e77' notitle, 'fig2_5_leaders.dat' index 1 using 1:2 with lines lw 0.8 lc rgb '#7570b3' notitle, 'fig2_5_leaders.dat' index 2 using 1:2 with lines lw 0.8 lc rgb '#d95f02' notitle, 'fig2_5_leaders.dat' index 3 using 1:2 with lines lw 0.8 lc rgb '#e7298a' notitle, 'fig2_5_labels.dat' index 0 using 1:2:3 with labels left font lf tc rgb '#1b9e77' notitle, 'fig2_5_labels.dat' index 1 using 1:2:3 with labels right font lf tc rgb '#1b9e77' notitle, 'fig2_5_labels.dat' index 2 using 1:2:3 with labels left font lf tc rgb '#7570b3' notitle, 'fig2_5_labels.dat' index 3 using 1:2:3 with labels right font lf tc rgb '#7570b3' notitle, 'fig2_5_labels.dat' index 4 using 1:2:3 with labels left font lf tc rgb '#d95f02' notitle, 'fig2_5_labels.dat' index 5 using 1:2:3 with labels right font lf tc rgb '#d95f02' notitle, 'fig2_5_labels.dat' index 6 using 1:2:3 with labels left font lf tc rgb '#e7298a' notitle, 'fig2_5_labels.dat' index 7 using 1:2:3 with labels right font lf tc rgb '#e7298a' notitle, 'fig2_5_labels.dat' index 8 using 1:2:3 with labels center font lf tc rgb '#e7298a' notitle
unset multiplot
unset output
