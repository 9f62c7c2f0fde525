function sayHello() {
   alert("Hello World")
}
