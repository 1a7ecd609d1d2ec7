module rsffi

go 1.22
