global using Xunit;
global using CsCheck;
