# greenbatch report: Energy and accuracy relative to AlexNet
set terminal svg size 1000,600 noenhanced font 'sans,12' background rgb 'white'
set output 'fig4.svg'
set datafile missing 'NaN'
lf = ',12'
set title 'Change relative to AlexNet (2012)'
set ylabel 'change vs alexnet (%)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside right top
set xtics rotate by -30
set xzeroaxis lt -1
plot 'fig4.dat' using 2:xtic(1) title columnheader(2) lc rgb '#d95f02', '' using 3 title columnheader(3) lc rgb '#7570b3'
set terminal pngcairo size 1000,600 noenhanced font 'sans,10' background rgb 'white'
set output 'fig4.png'
lf = ',10'
set title 'Change relative to AlexNet (2012)'
set ylabel 'change vs alexnet (%)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside right top
set xtics rotate by -30
set xzeroaxis lt -1
plot 'fig4.dat' using 2:xtic(1) title columnheader(2) lc rgb '#d95f02', '' using 3 title columnheader(3) lc rgb '#7570b3'
unset output
