# greenbatch report: Energy per image per model
set terminal svg size 1000,600 noenhanced font 'sans,12' background rgb 'white'
set output 'fig3.svg'
set datafile missing 'NaN'
lf = ',12'
set title 'Mean energy per image per model, averaged over batching policies'
set ylabel 'energy per image (J), estimate (NOT a measurement)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside right top
set xtics rotate by -30
set yrange [0.0848195099:*]
set logscale y
plot 'fig3.dat' using 2:xtic(1) title columnheader(2) lc rgb '#1b9e77', 'fig3.dat' using 3:xtic(1) title columnheader(3) lc rgb '#d95f02', 'fig3.dat' using 4:xtic(1) title columnheader(4) lc rgb '#7570b3', 'fig3.dat' using 5:xtic(1) title columnheader(5) lc rgb '#e7298a'
set terminal pngcairo size 1000,600 noenhanced font 'sans,10' background rgb 'white'
set output 'fig3.png'
lf = ',10'
set title 'Mean energy per image per model, averaged over batching policies'
set ylabel 'energy per image (J), estimate (NOT a measurement)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside right top
set xtics rotate by -30
set yrange [0.0848195099:*]
set logscale y
plot 'fig3.dat' using 2:xtic(1) title columnheader(2) lc rgb '#1b9e77', 'fig3.dat' using 3:xtic(1) title columnheader(3) lc rgb '#d95f02', 'fig3.dat' using 4:xtic(1) title columnheader(4) lc rgb '#7570b3', 'fig3.dat' using 5:xtic(1) title columnheader(5) lc rgb '#e7298a'
unset output
