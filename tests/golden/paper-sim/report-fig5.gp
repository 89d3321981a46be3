# greenbatch report: Energy per image against batch size
set terminal svg size 1000,740 noenhanced font 'sans,12' background rgb 'white'
set output 'fig5.svg'
set datafile missing 'NaN'
lf = ',12'
set multiplot title 'Energy per image against batch size, one panel per rate; energy: estimate (NOT a measurement)'
set grid
set xtics (16, 32, 64, 128)
set key at screen 0.81, 0.925675676 left top Left reverse samplen 2
set title '16/s'
set xlabel ''
set ylabel 'energy per image (J)'
set lmargin at screen 0.085
set rmargin at screen 0.385
set bmargin at screen 0.537162162
set tmargin at screen 0.885135135
set logscale x
set logscale y
set xrange [11.4285714:179.2]
set yrange [0.113015168:13.4067065]
set logscale x 2
plot 'fig5.dat' index 0 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#1b9e77' notitle, 'fig5.dat' index 1 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#d95f02' notitle, 'fig5.dat' index 2 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#7570b3' notitle, 'fig5.dat' index 3 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#e7298a' notitle, 'fig5.dat' index 4 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#66a61e' notitle, NaN with linespoints pt 7 lw 1.5 lc rgb '#1b9e77' title 'alexnet', NaN with linespoints pt 7 lw 1.5 lc rgb '#d95f02' title 'densenet121', NaN with linespoints pt 7 lw 1.5 lc rgb '#7570b3' title 'shufflenet_v2_x0_5', NaN with linespoints pt 7 lw 1.5 lc rgb '#e7298a' title 'vit_b_16', NaN with linespoints pt 7 lw 1.5 lc rgb '#66a61e' title 'convnext_base'
unset key
set title '32/s'
set xlabel ''
set ylabel ''
set lmargin at screen 0.485
set rmargin at screen 0.785
set bmargin at screen 0.537162162
set tmargin at screen 0.885135135
set logscale x
set logscale y
set xrange [11.4285714:179.2]
set yrange [0.113015168:13.4067065]
set logscale x 2
plot 'fig5.dat' index 5 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#1b9e77' notitle, 'fig5.dat' index 6 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#d95f02' notitle, 'fig5.dat' index 7 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#7570b3' notitle, 'fig5.dat' index 8 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#e7298a' notitle, 'fig5.dat' index 9 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#66a61e' notitle
set title '64/s'
set xlabel 'batch size N (fixed:N)'
set ylabel 'energy per image (J)'
set lmargin at screen 0.085
set rmargin at screen 0.385
set bmargin at screen 0.0878378378
set tmargin at screen 0.435810811
set logscale x
set logscale y
set xrange [11.4285714:179.2]
set yrange [0.113015168:13.4067065]
set logscale x 2
plot 'fig5.dat' index 10 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#1b9e77' notitle, 'fig5.dat' index 11 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#d95f02' notitle, 'fig5.dat' index 12 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#7570b3' notitle, 'fig5.dat' index 13 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#e7298a' notitle, 'fig5.dat' index 14 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#66a61e' notitle
set title '128/s'
set xlabel 'batch size N (fixed:N)'
set ylabel ''
set lmargin at screen 0.485
set rmargin at screen 0.785
set bmargin at screen 0.0878378378
set tmargin at screen 0.435810811
set logscale x
set logscale y
set xrange [11.4285714:179.2]
set yrange [0.113015168:13.4067065]
set logscale x 2
plot 'fig5.dat' index 15 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#1b9e77' notitle, 'fig5.dat' index 16 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#d95f02' notitle, 'fig5.dat' index 17 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#7570b3' notitle, 'fig5.dat' index 18 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#e7298a' notitle, 'fig5.dat' index 19 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#66a61e' notitle
unset multiplot
set terminal pngcairo size 1000,740 noenhanced font 'sans,10' background rgb 'white'
set output 'fig5.png'
lf = ',10'
set multiplot title 'Energy per image against batch size, one panel per rate; energy: estimate (NOT a measurement)'
set grid
set xtics (16, 32, 64, 128)
set key at screen 0.81, 0.925675676 left top Left reverse samplen 2
set title '16/s'
set xlabel ''
set ylabel 'energy per image (J)'
set lmargin at screen 0.085
set rmargin at screen 0.385
set bmargin at screen 0.537162162
set tmargin at screen 0.885135135
set logscale x
set logscale y
set xrange [11.4285714:179.2]
set yrange [0.113015168:13.4067065]
set logscale x 2
plot 'fig5.dat' index 0 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#1b9e77' notitle, 'fig5.dat' index 1 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#d95f02' notitle, 'fig5.dat' index 2 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#7570b3' notitle, 'fig5.dat' index 3 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#e7298a' notitle, 'fig5.dat' index 4 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#66a61e' notitle, NaN with linespoints pt 7 lw 1.5 lc rgb '#1b9e77' title 'alexnet', NaN with linespoints pt 7 lw 1.5 lc rgb '#d95f02' title 'densenet121', NaN with linespoints pt 7 lw 1.5 lc rgb '#7570b3' title 'shufflenet_v2_x0_5', NaN with linespoints pt 7 lw 1.5 lc rgb '#e7298a' title 'vit_b_16', NaN with linespoints pt 7 lw 1.5 lc rgb '#66a61e' title 'convnext_base'
unset key
set title '32/s'
set xlabel ''
set ylabel ''
set lmargin at screen 0.485
set rmargin at screen 0.785
set bmargin at screen 0.537162162
set tmargin at screen 0.885135135
set logscale x
set logscale y
set xrange [11.4285714:179.2]
set yrange [0.113015168:13.4067065]
set logscale x 2
plot 'fig5.dat' index 5 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#1b9e77' notitle, 'fig5.dat' index 6 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#d95f02' notitle, 'fig5.dat' index 7 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#7570b3' notitle, 'fig5.dat' index 8 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#e7298a' notitle, 'fig5.dat' index 9 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#66a61e' notitle
set title '64/s'
set xlabel 'batch size N (fixed:N)'
set ylabel 'energy per image (J)'
set lmargin at screen 0.085
set rmargin at screen 0.385
set bmargin at screen 0.0878378378
set tmargin at screen 0.435810811
set logscale x
set logscale y
set xrange [11.4285714:179.2]
set yrange [0.113015168:13.4067065]
set logscale x 2
plot 'fig5.dat' index 10 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#1b9e77' notitle, 'fig5.dat' index 11 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#d95f02' notitle, 'fig5.dat' index 12 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#7570b3' notitle, 'fig5.dat' index 13 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#e7298a' notitle, 'fig5.dat' index 14 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#66a61e' notitle
set title '128/s'
set xlabel 'batch size N (fixed:N)'
set ylabel ''
set lmargin at screen 0.485
set rmargin at screen 0.785
set bmargin at screen 0.0878378378
set tmargin at screen 0.435810811
set logscale x
set logscale y
set xrange [11.4285714:179.2]
set yrange [0.113015168:13.4067065]
set logscale x 2
plot 'fig5.dat' index 15 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#1b9e77' notitle, 'fig5.dat' index 16 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#d95f02' notitle, 'fig5.dat' index 17 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#7570b3' notitle, 'fig5.dat' index 18 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#e7298a' notitle, 'fig5.dat' index 19 using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 lc rgb '#66a61e' notitle
unset multiplot
unset output
